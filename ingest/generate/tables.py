"""Static reference data for the synthetic world: words, places, ports, goods and brands.

Everything here is a plain table so that the generator's realism can be reviewed in one
place. Company names are built from pinyin syllables paired with their simplified and
traditional characters, so that the Chinese-script form of a company (written by the
CN-GACC and sometimes the MO-CS feed) is always the same company as its English form.
"""

from __future__ import annotations

from typing import NamedTuple


class Syllable(NamedTuple):
    pinyin: str
    simplified: str
    traditional: str


# Syllables that trade names are made of (two per name: "Hua" + "xin" = "Huaxin", 华信).
SYLLABLES: tuple[Syllable, ...] = tuple(
    Syllable(*row)
    for row in (
        ("hua", "华", "華"),
        ("xin", "信", "信"),
        ("xing", "兴", "興"),
        ("jia", "嘉", "嘉"),
        ("jie", "杰", "傑"),
        ("li", "利", "利"),
        ("da", "达", "達"),
        ("fu", "富", "富"),
        ("long", "隆", "隆"),
        ("tong", "通", "通"),
        ("tai", "泰", "泰"),
        ("sheng", "盛", "盛"),
        ("feng", "丰", "豐"),
        ("fang", "方", "方"),
        ("hong", "宏", "宏"),
        ("heng", "恒", "恆"),
        ("yuan", "源", "源"),
        ("mei", "美", "美"),
        ("an", "安", "安"),
        ("kang", "康", "康"),
        ("rui", "瑞", "瑞"),
        ("bao", "宝", "寶"),
        ("jin", "金", "金"),
        ("chang", "昌", "昌"),
        ("de", "德", "德"),
        ("cheng", "诚", "誠"),
        ("wei", "伟", "偉"),
        ("hao", "豪", "豪"),
        ("teng", "腾", "騰"),
        ("xiang", "祥", "祥"),
        ("yu", "宇", "宇"),
        ("ming", "明", "明"),
        ("zhi", "智", "智"),
        ("xun", "迅", "迅"),
        ("bo", "博", "博"),
        ("tian", "天", "天"),
        ("run", "润", "潤"),
        ("kai", "凯", "凱"),
        ("sen", "森", "森"),
        ("yong", "永", "永"),
    )
)

# Near neighbours: one-letter pinyin differences that are different words (and different
# characters). "Huaxin" vs "Huaxing" is the classic false friend of name matching.
NEAR_SYLLABLE: dict[str, str] = {
    "xin": "xing",
    "xing": "xin",
    "jia": "jie",
    "jie": "jia",
    "feng": "fang",
    "fang": "feng",
    "long": "tong",
    "tong": "long",
    "hong": "heng",
    "heng": "hong",
    "jin": "xin",
    "li": "da",
}


class Industry(NamedTuple):
    english: str
    simplified: str
    traditional: str
    # Other ways the same words are written in English in customs data.
    english_variants: tuple[str, ...]


INDUSTRIES: dict[str, Industry] = {
    "trading": Industry("Trading", "贸易", "貿易", ("Trading", "Trade")),
    "impexp": Industry(
        "Import & Export",
        "进出口",
        "進出口",
        ("Imp & Exp", "Import and Export", "Imp. & Exp.", "I/E", "Import Export"),
    ),
    "intl": Industry(
        "International Trading",
        "国际贸易",
        "國際貿易",
        ("Intl Trading", "Int'l Trading", "International Trade"),
    ),
    "electronics": Industry("Electronics", "电子", "電子", ("Electronic", "Elec.")),
    "technology": Industry("Technology", "科技", "科技", ("Tech", "Technologies", "Techn.")),
    "shoes": Industry("Shoes", "鞋业", "鞋業", ("Footwear", "Shoe")),
    "apparel": Industry("Apparel", "服饰", "服飾", ("Garment", "Garments", "Clothing")),
    "leather": Industry("Leather Products", "皮具", "皮具", ("Leather", "Leather Goods")),
    "cosmetics": Industry("Cosmetics", "化妆品", "化妝品", ("Cosmetic",)),
    "watch": Industry("Watch", "钟表", "鐘錶", ("Watches", "Clock & Watch")),
    "toys": Industry("Toys", "玩具", "玩具", ("Toy",)),
    "industrial": Industry("Industrial", "实业", "實業", ("Industry", "Ind.")),
    "supplychain": Industry("Supply Chain", "供应链", "供應鏈", ("Supply Chain Management", "SCM")),
    "ecommerce": Industry("E-Commerce", "电子商务", "電子商務", ("E-commerce", "Ecommerce", "EC")),
    "freight": Industry(
        "International Freight Forwarding",
        "国际货运代理",
        "國際貨運代理",
        ("Intl Freight Forwarding", "International Freight", "Freight Forwarding"),
    ),
    "logistics": Industry("Logistics", "物流", "物流", ("Logistic",)),
}


class City(NamedTuple):
    english: str
    simplified: str
    traditional: str
    province_en: str
    province_zh: str
    area_code: str  # telephone area code without the trunk 0
    region_code: str  # administrative division code used inside USCC numbers
    districts: tuple[tuple[str, str], ...]  # (English, Chinese)


CITIES: dict[str, City] = {
    c.english: c
    for c in (
        City(
            "Shenzhen",
            "深圳",
            "深圳",
            "Guangdong",
            "广东省",
            "755",
            "440300",
            (
                ("Futian", "福田区"),
                ("Luohu", "罗湖区"),
                ("Bao'an", "宝安区"),
                ("Longgang", "龙岗区"),
            ),
        ),
        City(
            "Guangzhou",
            "广州",
            "廣州",
            "Guangdong",
            "广东省",
            "20",
            "440100",
            (("Baiyun", "白云区"), ("Yuexiu", "越秀区"), ("Panyu", "番禺区"), ("Haizhu", "海珠区")),
        ),
        City(
            "Dongguan",
            "东莞",
            "東莞",
            "Guangdong",
            "广东省",
            "769",
            "441900",
            (("Humen", "虎门镇"), ("Chang'an", "长安镇"), ("Houjie", "厚街镇")),
        ),
        City(
            "Foshan",
            "佛山",
            "佛山",
            "Guangdong",
            "广东省",
            "757",
            "440600",
            (("Nanhai", "南海区"), ("Shunde", "顺德区")),
        ),
        City(
            "Shantou",
            "汕头",
            "汕頭",
            "Guangdong",
            "广东省",
            "754",
            "440500",
            (("Chenghai", "澄海区"), ("Jinping", "金平区")),
        ),
        City(
            "Yiwu",
            "义乌",
            "義烏",
            "Zhejiang",
            "浙江省",
            "579",
            "330782",
            (("Futian Street", "福田街道"), ("Choujiang", "稠江街道")),
        ),
        City(
            "Ningbo",
            "宁波",
            "寧波",
            "Zhejiang",
            "浙江省",
            "574",
            "330200",
            (("Yinzhou", "鄞州区"), ("Beilun", "北仑区")),
        ),
        City(
            "Quanzhou",
            "泉州",
            "泉州",
            "Fujian",
            "福建省",
            "595",
            "350500",
            (("Jinjiang", "晋江市"), ("Fengze", "丰泽区")),
        ),
        City(
            "Putian",
            "莆田",
            "莆田",
            "Fujian",
            "福建省",
            "594",
            "350300",
            (("Licheng", "荔城区"), ("Chengxiang", "城厢区")),
        ),
        City(
            "Xiamen",
            "厦门",
            "廈門",
            "Fujian",
            "福建省",
            "592",
            "350200",
            (("Huli", "湖里区"), ("Siming", "思明区")),
        ),
    )
}

# Hong Kong business addresses: (building, street, district, area).
HK_BUILDINGS: tuple[tuple[str, str, str, str], ...] = (
    ("Tower 2, Millennium City", "388 Kwun Tong Road", "Kwun Tong", "Kowloon"),
    ("Kwun Tong Industrial Centre", "436-484 Kwun Tong Road", "Kwun Tong", "Kowloon"),
    ("Nan Fung Centre", "264-298 Castle Peak Road", "Tsuen Wan", "New Territories"),
    ("Kwai Shing Industrial Building", "36-40 Tai Lin Pai Road", "Kwai Chung", "New Territories"),
    ("Cheung Sha Wan Plaza", "833 Cheung Sha Wan Road", "Cheung Sha Wan", "Kowloon"),
    ("Shun Tak Centre", "168-200 Connaught Road Central", "Sheung Wan", "Hong Kong"),
    ("Sino Centre", "582-592 Nathan Road", "Mong Kok", "Kowloon"),
    ("Hang Seng Castle Peak Road Building", "339 Castle Peak Road", "Cheung Sha Wan", "Kowloon"),
    ("Wing On Plaza", "62 Mody Road", "Tsim Sha Tsui", "Kowloon"),
    ("Goodman Interlink", "39 Tsing Yi Road", "Tsing Yi", "New Territories"),
)

MO_STREETS: tuple[str, ...] = (
    "Avenida de Almeida Ribeiro",
    "Rua do Campo",
    "Avenida do Infante D. Henrique",
    "Rua de Xangai",
    "Avenida de Horta e Costa",
    "Rua da Praia do Manduco",
)

# Destination-market companies and places.
US_PLACES: tuple[tuple[str, str, str], ...] = (
    ("Los Angeles", "CA", "900"),
    ("City of Industry", "CA", "917"),
    ("New York", "NY", "100"),
    ("Brooklyn", "NY", "112"),
    ("Miami", "FL", "331"),
    ("Doral", "FL", "331"),
    ("Houston", "TX", "770"),
    ("Chicago", "IL", "606"),
    ("Secaucus", "NJ", "070"),
)
US_STREETS: tuple[str, ...] = (
    "E Olympic Blvd",
    "S Alameda St",
    "Broadway",
    "NW 25th St",
    "Industrial Way",
    "Canal St",
    "Harbor Blvd",
    "W 36th St",
)
US_COMPANY_WORDS = (
    "Star",
    "Coastal",
    "Prime",
    "Golden",
    "Eagle",
    "Sunrise",
    "Metro",
    "Liberty",
    "Pacific",
    "Royal",
    "Bright",
    "Urban",
    "Empire",
    "Atlantic",
    "Summit",
)
US_COMPANY_NOUNS = (
    "Imports",
    "Trading",
    "Wholesale",
    "Distributors",
    "Fashion",
    "Goods",
    "Supply",
    "Outlet",
    "Deals",
    "Enterprises",
)
US_LEGAL_FORMS = ("LLC", "Inc.", "Corp.")

EU_COUNTRIES: dict[str, dict[str, tuple[str, ...]]] = {
    "NL": {
        "stems": (
            "Van Dijk Handel",
            "De Vries Import",
            "Oranje Trading",
            "Maas Distributie",
            "Holland Fashion Outlet",
            "Bakker Groothandel",
            "Zuidhaven Trade",
        ),
        "forms": ("B.V.",),
        "cities": ("Rotterdam", "Amsterdam", "Den Haag", "Venlo", "Tilburg"),
        "streets": ("Waalhaven Zuidzijde", "Kanaalweg", "Industrieweg", "Havenstraat"),
    },
    "DE": {
        "stems": (
            "Müller Import",
            "Schmidt Handels",
            "Nordstern Trading",
            "Rhein Vertrieb",
            "Weiß & Söhne Großhandel",
            "Becker Logistik und Handel",
            "Hansa Mode",
        ),
        "forms": ("GmbH", "GmbH & Co. KG"),
        "cities": ("Hamburg", "Frankfurt am Main", "Duisburg", "Leipzig", "Berlin"),
        "streets": ("Hauptstraße", "Industriestraße", "Am Hafen", "Lagerstraße"),
    },
    "BE": {
        "stems": (
            "Janssens Import",
            "Peeters Distributie",
            "Antwerp Global Trade",
            "Dubois Commerce",
            "Maes Groothandel",
        ),
        "forms": ("BV", "SRL", "NV"),
        "cities": ("Antwerpen", "Liège", "Brussel", "Gent"),
        "streets": ("Noorderlaan", "Rue de l'Industrie", "Haven", "Kanaaldijk"),
    },
    "FR": {
        "stems": ("Dupont Distribution", "Lefèvre Import", "Marseille Négoce"),
        "forms": ("SARL", "SAS"),
        "cities": ("Paris", "Marseille", "Aubervilliers"),
        "streets": ("Rue du Commerce", "Avenue Victor Hugo"),
    },
    "IT": {
        "stems": ("Rossi Import", "Esposito Moda", "Napoli Commercio"),
        "forms": ("S.r.l.",),
        "cities": ("Napoli", "Prato", "Milano"),
        "streets": ("Via Roma", "Via Industriale"),
    },
    "MO": {
        "stems": (
            "Companhia de Comércio Kam Lei",
            "Sociedade de Importação Veng Fai",
            "Comercial Hoi Son",
            "Loja Tat Fung",
        ),
        "forms": ("Limitada",),
        "cities": ("Macau",),
        "streets": tuple(MO_STREETS),
    },
    "GB": {
        "stems": ("Thames Trading", "Midlands Wholesale", "Albion Imports", "Pennine Goods"),
        "forms": ("Ltd",),
        "cities": ("London", "Manchester", "Leicester", "Birmingham"),
        "streets": ("Cheetham Hill Road", "Commercial Street", "Trafford Park Road"),
    },
    "GR": {
        "stems": ("Piraeus Emporiki", "Hellas Trade", "Aegean Imports"),
        "forms": ("S.A.", "IKE"),
        "cities": ("Piraeus", "Athens", "Thessaloniki"),
        "streets": ("Akti Miaouli", "Leoforos Syngrou"),
    },
    "AE": {
        "stems": ("Al Noor General Trading", "Gulf Star Trading", "Deira Textiles"),
        "forms": ("LLC", "FZE"),
        "cities": ("Dubai", "Sharjah", "Jebel Ali Free Zone"),
        "streets": ("Al Maktoum Road", "Naif Road"),
    },
    "PK": {
        "stems": ("Karachi Traders", "Indus Trading", "Crescent Imports"),
        "forms": ("(Pvt) Ltd",),
        "cities": ("Karachi", "Lahore"),
        "streets": ("Shahrah-e-Faisal", "II Chundrigar Road"),
    },
    "KE": {
        "stems": ("Mombasa Traders", "Savannah Imports", "Kilindini Trading"),
        "forms": ("Ltd",),
        "cities": ("Mombasa", "Nairobi"),
        "streets": ("Moi Avenue", "Digo Road"),
    },
    "UZ": {
        "stems": ("Silk Road Trade", "Tashkent Savdo", "Chorsu Import"),
        "forms": ("LLC", "MChJ"),
        "cities": ("Tashkent", "Samarkand"),
        "streets": ("Amir Temur Street", "Navoi Street"),
    },
}

WESTERN_FIRST = (
    "John",
    "Maria",
    "David",
    "Anna",
    "Michael",
    "Sofia",
    "James",
    "Laura",
    "Peter",
    "Emma",
    "Daniel",
    "Julia",
    "Ahmed",
    "Fatima",
    "Lucas",
    "Eva",
    "Thomas",
    "Sarah",
    "Robert",
    "Linda",
    "Mark",
    "Nina",
    "Kevin",
    "Claire",
    "Omar",
    "Leila",
    "Jan",
    "Sanne",
    "Stefan",
    "Katrin",
    "Marco",
    "Chiara",
)
WESTERN_LAST = (
    "Smith",
    "Garcia",
    "Johnson",
    "Jansen",
    "de Vries",
    "Müller",
    "Schmidt",
    "Peeters",
    "Martin",
    "Rossi",
    "Brown",
    "Nguyen",
    "Kowalski",
    "Hassan",
    "Williams",
    "Dubois",
    "Miller",
    "Lopez",
    "Davis",
    "Bakker",
    "Visser",
    "Fischer",
    "Weber",
    "Maes",
    "Claes",
    "Bernard",
    "Bianchi",
    "Taylor",
    "Wilson",
    "Khan",
    "Novak",
    "Moreau",
)
# Distinguishing words a company adds to a stem that is already taken in its country.
COMPANY_QUALIFIERS = (
    "Group",
    "International",
    "Global",
    "Holdings",
    "Enterprises",
    "Partners",
    "Worldwide",
    "Services",
)
# Free webmail domains: many unrelated mailboxes share one; a company's own domain is its own.
WEBMAIL_DOMAINS = frozenset(
    (
        "163.com",
        "qq.com",
        "126.com",
        "sina.com",
        "gmail.com",
        "yahoo.com.hk",
        "netvigator.com",
        "outlook.com",
    )
)

# (pinyin, simplified, traditional, Hong Kong Cantonese romanisation)
CHINESE_SURNAMES: tuple[tuple[str, str, str, str], ...] = (
    ("Chen", "陈", "陳", "Chan"),
    ("Wang", "王", "王", "Wong"),
    ("Huang", "黄", "黃", "Wong"),
    ("Li", "李", "李", "Lee"),
    ("Zhang", "张", "張", "Cheung"),
    ("Liu", "刘", "劉", "Lau"),
    ("Lin", "林", "林", "Lam"),
    ("Zheng", "郑", "鄭", "Cheng"),
    ("Wu", "吴", "吳", "Ng"),
    ("Zhou", "周", "周", "Chow"),
)


class Brand(NamedTuple):
    mark: str
    rights_holder: str


BRANDS: dict[str, Brand] = {
    b.mark: b
    for b in (
        Brand("NIKE", "Nike, Inc."),
        Brand("ADIDAS", "adidas AG"),
        Brand("PUMA", "PUMA SE"),
        Brand("NEW BALANCE", "New Balance Athletics, Inc."),
        Brand("CONVERSE", "Converse Inc."),
        Brand("LOUIS VUITTON", "Louis Vuitton Malletier"),
        Brand("CHANEL", "Chanel SARL"),
        Brand("GUCCI", "Guccio Gucci S.p.A."),
        Brand("HERMES", "Hermès International"),
        Brand("PRADA", "Prada S.A."),
        Brand("MICHAEL KORS", "Michael Kors (Switzerland) International GmbH"),
        Brand("THE NORTH FACE", "The North Face Apparel Corp."),
        Brand("MONCLER", "Moncler S.p.A."),
        Brand("ROLEX", "Rolex SA"),
        Brand("OMEGA", "Omega SA"),
        Brand("CARTIER", "Cartier International AG"),
        Brand("APPLE", "Apple Inc."),
        Brand("SAMSUNG", "Samsung Electronics Co., Ltd."),
        Brand("SONY", "Sony Group Corporation"),
        Brand("BEATS", "Beats Electronics, LLC"),
        Brand("JBL", "Harman International Industries, Inc."),
        Brand("SANDISK", "SanDisk LLC"),
        Brand("DIOR", "Christian Dior Couture"),
        Brand("MAC", "Make-Up Art Cosmetics Inc."),
        Brand("VERSACE", "Gianni Versace S.r.l."),
        Brand("LEGO", "LEGO Juris A/S"),
        Brand("DISNEY", "Disney Enterprises, Inc."),
        Brand("POKEMON", "Nintendo Co., Ltd."),
        Brand("BARBIE", "Mattel, Inc."),
        Brand("TRANSFORMERS", "Hasbro, Inc."),
        Brand("VIAGRA", "Pfizer Inc."),
        Brand("CIALIS", "Eli Lilly and Company"),
        Brand("BOSCH", "Robert Bosch GmbH"),
        Brand("TOYOTA", "Toyota Jidosha Kabushiki Kaisha"),
        Brand("MERCEDES-BENZ", "Mercedes-Benz Group AG"),
        Brand("NGK", "Niterra Co., Ltd."),
        Brand("MARLBORO", "Philip Morris Brands Sàrl"),
        Brand("LUCKY STRIKE", "British American Tobacco (Brands) Inc."),
    )
}


class Category(NamedTuple):
    key: str
    descriptions: tuple[str, ...]
    description_zh: str
    hs_codes: tuple[str, ...]  # canonical dotted form; feeds re-space them
    unit: str
    unit_zh: str
    # Declared/seizure value per unit in USD (low, high): counterfeit street prices, not MSRP.
    unit_value_usd: tuple[float, float]
    brands: tuple[str, ...]
    cities: tuple[str, ...]  # where this kind of counterfeit is made
    industries: tuple[str, ...]  # industries of companies that trade it


CATEGORIES: tuple[Category, ...] = (
    Category(
        "footwear",
        ("sports shoes", "sneakers", "athletic footwear", "running shoes"),
        "运动鞋",
        ("6404.11", "6403.99", "6402.99"),
        "pairs",
        "双",
        (12.0, 90.0),
        ("NIKE", "ADIDAS", "PUMA", "NEW BALANCE", "CONVERSE"),
        ("Putian", "Quanzhou", "Dongguan"),
        ("shoes", "trading", "impexp"),
    ),
    Category(
        "apparel",
        ("T-shirts", "jackets", "football jerseys", "hoodies", "down jackets"),
        "服装",
        ("6109.10", "6110.20", "6201.93", "6201.40"),
        "pieces",
        "件",
        (4.0, 60.0),
        ("NIKE", "ADIDAS", "GUCCI", "THE NORTH FACE", "MONCLER", "LOUIS VUITTON"),
        ("Guangzhou", "Dongguan", "Quanzhou"),
        ("apparel", "trading", "ecommerce"),
    ),
    Category(
        "handbags",
        ("handbags", "wallets", "leather bags", "backpacks"),
        "手袋",
        ("4202.21", "4202.22", "4202.31"),
        "pieces",
        "个",
        (15.0, 200.0),
        ("LOUIS VUITTON", "CHANEL", "GUCCI", "HERMES", "PRADA", "MICHAEL KORS"),
        ("Guangzhou", "Dongguan"),
        ("leather", "trading", "intl"),
    ),
    Category(
        "watches",
        ("wrist watches", "watches", "watch movements"),
        "手表",
        ("9102.11", "9101.11", "9102.12"),
        "pieces",
        "只",
        (10.0, 150.0),
        ("ROLEX", "OMEGA", "CARTIER"),
        ("Shenzhen", "Guangzhou"),
        ("watch", "trading"),
    ),
    Category(
        "phone_accessories",
        ("phone chargers", "USB power adapters", "earphones", "phone cases", "charging cables"),
        "手机配件",
        ("8504.40", "8518.30", "8544.42", "3926.90"),
        "pieces",
        "个",
        (1.0, 25.0),
        ("APPLE", "SAMSUNG", "BEATS", "SONY"),
        ("Shenzhen", "Dongguan"),
        ("electronics", "technology", "ecommerce"),
    ),
    Category(
        "electronics",
        ("smartphones", "memory cards", "bluetooth speakers", "smart watches"),
        "电子产品",
        ("8517.13", "8523.51", "8518.22", "8517.62"),
        "pieces",
        "台",
        (5.0, 180.0),
        ("APPLE", "SAMSUNG", "SANDISK", "JBL", "SONY"),
        ("Shenzhen",),
        ("electronics", "technology", "impexp"),
    ),
    Category(
        "cosmetics",
        ("lipsticks", "eye shadow palettes", "face cream", "make-up sets"),
        "化妆品",
        ("3304.99", "3304.20", "3304.10"),
        "pieces",
        "支",
        (1.5, 20.0),
        ("CHANEL", "MAC", "DIOR"),
        ("Guangzhou", "Yiwu", "Shantou"),
        ("cosmetics", "trading", "ecommerce"),
    ),
    Category(
        "perfume",
        ("perfume", "eau de toilette", "fragrances"),
        "香水",
        ("3303.00",),
        "pieces",
        "瓶",
        (3.0, 30.0),
        ("CHANEL", "DIOR", "GUCCI", "VERSACE"),
        ("Guangzhou", "Yiwu"),
        ("cosmetics", "trading"),
    ),
    Category(
        "toys",
        ("toy building blocks", "plush toys", "action figures", "dolls"),
        "玩具",
        ("9503.00", "9503.00.90"),
        "pieces",
        "件",
        (1.0, 25.0),
        ("LEGO", "DISNEY", "POKEMON", "BARBIE", "TRANSFORMERS"),
        ("Shantou", "Yiwu", "Dongguan"),
        ("toys", "trading", "industrial"),
    ),
    Category(
        "pharmaceuticals",
        ("tablets", "erectile dysfunction tablets", "capsules"),
        "药品",
        ("3004.90",),
        "tablets",
        "粒",
        (0.2, 2.0),
        ("VIAGRA", "CIALIS"),
        ("Guangzhou", "Shenzhen"),
        ("trading", "ecommerce"),
    ),
    Category(
        "auto_parts",
        ("brake pads", "spark plugs", "car filters", "airbag modules"),
        "汽车配件",
        ("8708.30", "8511.10", "8421.23", "8708.95"),
        "pieces",
        "件",
        (2.0, 60.0),
        ("BOSCH", "TOYOTA", "MERCEDES-BENZ", "NGK"),
        ("Ningbo", "Guangzhou"),
        ("industrial", "impexp", "trading"),
    ),
    Category(
        "cigarettes",
        ("cigarettes", "cigarettes in cartons"),
        "卷烟",
        ("2402.20",),
        "sticks",
        "支",
        (0.05, 0.3),
        ("MARLBORO", "LUCKY STRIKE"),
        ("Yiwu", "Shantou"),
        ("trading", "impexp"),
    ),
)

# Big forwarders with hundreds of unrelated customers: a shared forwarder is a weak link.
# Each is written in many ways; the first is its canonical name.
HUB_FORWARDERS: tuple[tuple[str, ...], ...] = (
    (
        "DHL Global Forwarding",
        "DHL GLOBAL FORWARDING",
        "DHL Global Forwarding (Hong Kong) Ltd",
        "DGF",
    ),
    ("Kerry Logistics", "KERRY LOGISTICS (HK) LTD", "Kerry Logistics Network Limited", "嘉里物流"),
    ("Kuehne + Nagel", "Kuehne & Nagel", "KUEHNE+NAGEL LTD", "K+N"),
    ("DB Schenker", "Schenker China Ltd", "SCHENKER"),
    ("Expeditors International", "EXPEDITORS INTL", "Expeditors Hong Kong Ltd"),
    ("CEVA Logistics", "CEVA LOGISTICS", "Ceva Freight"),
    ("Sinotrans", "SINOTRANS LTD", "中国外运", "Sinotrans Guangdong Co., Ltd."),
    ("Nippon Express", "NIPPON EXPRESS (H.K.) CO LTD", "NX"),
)
